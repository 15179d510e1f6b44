"""The type checker's view of ControllerConfig matches the runtime class.

executor.py declares ControllerConfig field by field for type checkers
(the runtime class is built from the C++ table); this reads that
declaration's source and compares it with _core.config_fields().
"""

import ast
import inspect

import betapool.executor as executor
from betapool import _core


def _declared_fields():
    tree = ast.parse(inspect.getsource(executor))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == "ControllerConfig":
            return [(s.target.id, s.annotation.id, ast.literal_eval(s.value))
                    for s in node.body if isinstance(s, ast.AnnAssign)]
    raise AssertionError("no static ControllerConfig declaration in executor.py")


def test_static_controller_config_matches_core_fields():
    runtime = [(f["name"], f["type"].__name__, f["default"]) for f in _core.config_fields()]
    assert _declared_fields() == runtime
