// File: core/builtins.h
//
// register_builtins: adds every built-in component to a registry builder by
// calling each component's own register function. This explicit list is the
// one place a new built-in must be added (no static-initialiser magic).
//
// Example:
//   betapool::ComponentRegistryBuilder b;
//   betapool::register_builtins(b);
//   b.add_policy("mine", ...);
#ifndef BETAPOOL_CORE_BUILTINS_H_
#define BETAPOOL_CORE_BUILTINS_H_

namespace betapool {

class ComponentRegistryBuilder;

void register_builtins(ComponentRegistryBuilder& builder);

}  // namespace betapool

#endif  // BETAPOOL_CORE_BUILTINS_H_
