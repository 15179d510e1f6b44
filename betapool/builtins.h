// File: betapool/builtins.h
//
// The assembly layer's list of built-in components, in the style of gRPC's
// explicit RegisterBuiltins(Registry&): register_builtins adds every
// built-in policy, sensor, clock and sink to a registry builder by calling
// each component's own register function, and builtin_registry() is the
// registry built from exactly that list. This is the only place in the
// tree that knows every built-in; core/ knows none (no static-initialiser
// magic either: a static library's initialisers are dropped by the linker).
//
// Example:
//   betapool::ComponentRegistryBuilder b;
//   betapool::register_builtins(b);
//   b.add_policy("mine", ...);
//   const betapool::ComponentRegistry& all = betapool::builtin_registry();
#ifndef BETAPOOL_BETAPOOL_BUILTINS_H_
#define BETAPOOL_BETAPOOL_BUILTINS_H_

#include "core/component_registry.h"

namespace betapool {

void register_builtins(ComponentRegistryBuilder& builder);

// The registry of betapool's built-in components (built once, immutable).
const ComponentRegistry& builtin_registry();

}  // namespace betapool

#endif  // BETAPOOL_BETAPOOL_BUILTINS_H_
