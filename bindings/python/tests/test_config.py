"""ControllerConfig in Python: built from the C++ field table, and checked
field by field when an executor is built (bindings/python/src/python_config.cc)."""

import dataclasses
import types

import pytest

import betapool
from betapool import AdaptiveThreadPoolExecutor, ControllerConfig, _core


def build(config=None, **kwargs):
    ex = AdaptiveThreadPoolExecutor(1, 2, config, manual_control=True, **kwargs)
    ex.shutdown()
    return ex


def test_dataclass_has_the_seeds_fields_and_defaults():
    names = [f.name for f in dataclasses.fields(ControllerConfig)]
    assert names == [f["name"] for f in _core.config_fields()]
    assert ControllerConfig() == ControllerConfig(
        monitor_interval_sec=0.5, beta_high_threshold=0.7, beta_low_threshold=0.3,
        scale_up_step=2, scale_down_step=1, cpu_upper_threshold=85.0,
        cpu_lower_threshold=50.0, stabilization_window_sec=2.0,
        warmup_task_count=10)
    assert type(ControllerConfig().scale_up_step) is int
    assert type(ControllerConfig().monitor_interval_sec) is float


def test_the_config_in_force_reads_back_every_field():
    seen = {}

    class Capture:
        name = "capture_config"

        def decide(self, s):
            return betapool.ScalingDecision(s.current_workers, "hold")

    def factory(ctx):
        seen.update({f["name"]: getattr(ctx.config, f["name"])
                     for f in _core.config_fields()})
        return Capture()

    if "capture_config" not in betapool.policy_names():
        betapool.register_policy("capture_config", factory)
    config = ControllerConfig(scale_up_step=5, monitor_interval_sec=0.25)
    build(config, policy="capture_config")
    assert seen == dataclasses.asdict(config)


@pytest.mark.parametrize("bad", [{"scale_up_step": 4}, 5, "fast", [1, 2]])
def test_a_config_that_is_not_an_object_with_fields_is_rejected(bad):
    with pytest.raises(ValueError, match=r"config = .*must be a betapool\.ControllerConfig"):
        build(bad)


def test_a_misspelled_field_is_rejected_naming_it_and_its_value():
    with pytest.raises(ValueError, match=r"config\.scale_up_stpe = 4: unknown field"):
        build(types.SimpleNamespace(scale_up_stpe=4))
    config = ControllerConfig()
    config.monitor_interval = 0.1  # the C++ name, not the seed's
    with pytest.raises(ValueError, match=r"config\.monitor_interval = 0\.1: unknown field"):
        build(config)


def test_an_object_with_some_fields_keeps_the_other_defaults():
    build(types.SimpleNamespace(scale_up_step=3))


@pytest.mark.parametrize("field, value, message", [
    ("scale_up_step", "4", r"scale_up_step = '4': must be an int"),
    ("scale_up_step", 2.0, r"scale_up_step = 2\.0: must be an int"),
    ("scale_up_step", True, r"scale_up_step = True: must be an int"),
    ("beta_high_threshold", "0.9", r"beta_high_threshold = '0\.9': must be an int or a float"),
    ("scale_up_step", 2**31 - 1, r"scale_up_step = 2147483647: must be within \[1, 65536\]"),
    ("scale_up_step", 2**100, r"scale_up_step = 1267650600228229401496703205376: must be within"),
    ("monitor_interval_sec", 1e-9, r"monitor_interval_sec = 1e-09: must be within \[0\.001, 3600\] seconds"),
    ("monitor_interval_sec", float("nan"), r"monitor_interval_sec = nan: must be within"),
])
def test_a_bad_value_is_rejected_naming_field_and_value(field, value, message):
    with pytest.raises(ValueError, match=message):
        build(types.SimpleNamespace(**{field: value}))


def test_an_empty_sensor_name_is_an_unknown_sensor_not_none():
    with pytest.raises(ValueError, match=r"unknown sensor ''"):
        build(sensor="")
    with pytest.raises(ValueError, match=r"sensor = 5: must be a registered sensor name"):
        build(sensor=5)
    build(sensor=None)  # None is how to ask for no sensor


def test_record_spacing_is_checked_by_the_metrics_options_table():
    with pytest.raises(ValueError, match=r"record_spacing = -1: must be within \[0, 3600\] seconds"):
        build(record_spacing=-1.0)
    with pytest.raises(ValueError, match=r"record_spacing = nan"):
        build(record_spacing=float("nan"))
    build(record_spacing=0.0)


def test_a_long_value_is_echoed_in_part_and_stays_readable():
    # "x" then two-byte characters: a cut after a fixed byte count would
    # split one, and Python would show an empty message.
    wide = "x" + "\u00e9" * 100
    with pytest.raises(ValueError, match=r"config\.scale_up_step = 'x\u00e9+.*must be an int"):
        build(types.SimpleNamespace(scale_up_step=wide))
    with pytest.raises(ValueError) as e:
        build(types.SimpleNamespace(**{"k" * 10**6: 1}))
    assert "unknown field" in str(e.value) and len(str(e.value)) < 1000
    with pytest.raises(ValueError) as e:
        build(sensor="s" * 10**6)
    assert "unknown sensor 'sss" in str(e.value) and len(str(e.value)) < 1000
    with pytest.raises(ValueError) as e:
        build(sensor=b"s" * 10**6)
    assert "must be a registered sensor name" in str(e.value)
    assert len(str(e.value)) < 1000


@pytest.mark.parametrize("arg, value, message", [
    ("min_workers", "1", r"min_workers = '1': must be an int"),
    ("max_workers", 2.5, r"max_workers = 2\.5: must be an int"),
    ("max_workers", True, r"max_workers = True: must be an int"),
    ("min_workers", 2**40, r"min_workers = 1099511627776: must be"),
    ("initial_workers", "1", r"initial_workers = '1': must be an int or None"),
    ("record_spacing", "1", r"record_spacing = '1': must be an int or a float \(seconds\) or None"),
])
def test_a_bad_argument_type_names_the_argument_and_value(arg, value, message):
    kwargs = {"min_workers": 1, "max_workers": 2, arg: value}
    with pytest.raises((TypeError, ValueError), match=message):
        ex = AdaptiveThreadPoolExecutor(manual_control=True, **kwargs)
        ex.shutdown()


def test_fields_set_on_the_class_count_too():
    # A value the object shows as an attribute is the user's value, wherever
    # Python keeps it: on the class, or behind a property.
    class OnTheClass:
        scale_up_step = 10**8

    with pytest.raises(ValueError, match=r"config\.scale_up_step = 100000000: must be within"):
        build(OnTheClass())

    class Misspelled:
        scale_up_stpe = 4

    with pytest.raises(ValueError, match=r"config\.scale_up_stpe = 4: unknown field"):
        build(Misspelled())

    class WithProperty:
        @property
        def scale_up_step(self):
            return 0

    with pytest.raises(ValueError, match=r"config\.scale_up_step = 0: must be within"):
        build(WithProperty())

    class WithMethod:
        scale_up_step = 3

        def describe(self):  # methods are not fields
            return "three"

    build(WithMethod())
