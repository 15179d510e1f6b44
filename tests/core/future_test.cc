#include "core/future.h"

#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>

#include "gtest/gtest.h"

namespace betapool {
namespace {

TEST(FutureTest, ValueSetBeforeGet) {
  Promise<std::string> p;
  Future<std::string> f = p.get_future();
  EXPECT_TRUE(f.valid());
  EXPECT_FALSE(f.is_ready());
  p.set_value("done");
  EXPECT_TRUE(f.is_ready());
  EXPECT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  EXPECT_EQ(f.get(), "done");
  EXPECT_FALSE(f.valid());
  EXPECT_THROW(f.get(), std::future_error);
}

TEST(FutureTest, WaiterIsWokenByAnotherThread) {
  Promise<int> p;
  Future<int> f = p.get_future();
  std::thread producer([&p] { p.set_value(9); });
  EXPECT_EQ(f.get(), 9);
  producer.join();
}

TEST(FutureTest, WaitForTimesOutWhenNothingArrives) {
  Promise<void> p;
  Future<void> f = p.get_future();
  EXPECT_EQ(f.wait_for(std::chrono::milliseconds(5)),
            std::future_status::timeout);
  p.set_value();
  EXPECT_EQ(f.wait_for(std::chrono::milliseconds(5)),
            std::future_status::ready);
  f.get();
}

TEST(FutureTest, ExceptionIsRethrown) {
  Promise<int> p;
  Future<int> f = p.get_future();
  p.set_exception(std::make_exception_ptr(std::out_of_range("oops")));
  EXPECT_THROW(f.get(), std::out_of_range);
}

TEST(FutureTest, ABrokenPromiseCancelsItsFuture) {
  Future<int> f;
  {
    Promise<int> p;
    f = p.get_future();
  }
  EXPECT_THROW(f.get(), CancelledError);
}

TEST(FutureTest, ManyWaitersRaceWithTheProducer) {
  for (int round = 0; round < 200; ++round) {
    Promise<int> p;
    Future<int> f = p.get_future();
    std::thread producer([&p, round] { p.set_value(round); });
    EXPECT_EQ(f.get(), round);
    producer.join();
  }
}

}  // namespace
}  // namespace betapool
