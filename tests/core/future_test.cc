#include "core/future.h"

#include <chrono>
#include <cstdint>
#include <future>
#include <limits>
#include <ratio>
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

// Every waiting call on a future without a state is one defined error (it
// used to dereference null in wait(), wait_for() and is_ready()).
TEST(FutureTest, EveryCallOnAnEmptyFutureThrowsNoState) {
  auto expect_no_state = [](auto&& call) {
    try {
      call();
      ADD_FAILURE() << "no exception";
    } catch (const std::future_error& e) {
      EXPECT_EQ(e.code(), std::future_errc::no_state);
    }
  };
  Future<int> empty;
  EXPECT_FALSE(empty.valid());
  expect_no_state([&] { (void)empty.is_ready(); });
  expect_no_state([&] { empty.wait(); });
  expect_no_state([&] { (void)empty.wait_for(std::chrono::seconds(1)); });
  expect_no_state([&] {
    (void)empty.wait_until(std::chrono::steady_clock::now());
  });
  expect_no_state([&] { (void)empty.get(); });

  Promise<int> p;
  Future<int> consumed = p.get_future();
  p.set_value(1);
  EXPECT_EQ(consumed.get(), 1);
  expect_no_state([&] { consumed.wait(); });
  expect_no_state([&] { (void)consumed.is_ready(); });
}

// Deadlines at the ends of the clocks' ranges: one already passed only
// checks (time_point::min() used to overflow into a wait of centuries), one
// at time_point::max() / duration::max() waits for the result.
TEST(FutureTest, ExtremeDeadlinesAreDefined) {
  using std::chrono::steady_clock;
  using std::chrono::system_clock;
  Promise<int> p;
  Future<int> f = p.get_future();
  EXPECT_EQ(f.wait_until(steady_clock::time_point::min()),
            std::future_status::timeout);
  EXPECT_EQ(f.wait_until(system_clock::time_point::min()),
            std::future_status::timeout);
  EXPECT_EQ(f.wait_for(std::chrono::nanoseconds::min()),
            std::future_status::timeout);
  EXPECT_EQ(f.wait_for(std::chrono::hours(-1)), std::future_status::timeout);
  EXPECT_EQ(f.wait_for(std::chrono::seconds(0)), std::future_status::timeout);

  std::thread producer([&p] { p.set_value(5); });
  EXPECT_EQ(f.wait_until(steady_clock::time_point::max()),
            std::future_status::ready);
  producer.join();
  EXPECT_EQ(f.wait_for(std::chrono::nanoseconds::max()),
            std::future_status::ready);
  EXPECT_EQ(f.wait_until(system_clock::time_point::max()),
            std::future_status::ready);
  EXPECT_EQ(f.wait_until(steady_clock::time_point::min()),
            std::future_status::ready);
  EXPECT_EQ(f.get(), 5);
}

// Deadlines and timeouts in units other than the clock's: a time_point in
// hours at its min()/max(), picoseconds::max() and non-finite seconds used
// to overflow (undefined behaviour) converting to nanoseconds.
TEST(FutureTest, DeadlinesInAnyUnitAreDefined) {
  using std::chrono::duration;
  using std::chrono::hours;
  using std::chrono::steady_clock;
  using std::chrono::system_clock;
  using std::chrono::time_point;
  using Picoseconds = duration<int64_t, std::pico>;
  using Seconds = duration<double>;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  Promise<int> p;
  Future<int> f = p.get_future();
  EXPECT_EQ(f.wait_until(time_point<system_clock, hours>::min()),
            std::future_status::timeout);
  EXPECT_EQ(f.wait_until(time_point<steady_clock, hours>::min()),
            std::future_status::timeout);
  EXPECT_EQ(f.wait_until(time_point<steady_clock, Seconds>(Seconds(-kInf))),
            std::future_status::timeout);
  EXPECT_EQ(f.wait_for(Picoseconds::min()), std::future_status::timeout);
  EXPECT_EQ(f.wait_for(Seconds(-kInf)), std::future_status::timeout);
  EXPECT_EQ(f.wait_for(Seconds(std::numeric_limits<double>::quiet_NaN())),
            std::future_status::timeout);

  std::thread producer([&p] { p.set_value(7); });
  EXPECT_EQ(f.wait_until(time_point<system_clock, hours>::max()),
            std::future_status::ready);
  producer.join();
  EXPECT_EQ(f.wait_until(time_point<steady_clock, hours>::max()),
            std::future_status::ready);
  EXPECT_EQ(f.wait_until(time_point<steady_clock, Seconds>(Seconds(kInf))),
            std::future_status::ready);
  EXPECT_EQ(f.wait_for(Picoseconds::max()), std::future_status::ready);
  EXPECT_EQ(f.wait_for(Seconds(kInf)), std::future_status::ready);
  EXPECT_EQ(f.wait_for(hours::max()), std::future_status::ready);
  EXPECT_EQ(f.get(), 7);
}

}  // namespace
}  // namespace betapool
