"""osmodel.testing itself: its names resolve, and pytest's start stays cheap."""

from __future__ import annotations

import json
import subprocess
import sys

import osmodel.testing


def test_every_public_name_resolves_to_its_submodule() -> None:
    assert sorted(osmodel.testing.__all__) == sorted(osmodel.testing._HOMES)
    for name in osmodel.testing.__all__:
        value = getattr(osmodel.testing, name)
        assert value.__module__ == f"osmodel.testing.{osmodel.testing._HOMES[name]}"


def test_the_pytest_plugin_loads_no_engine() -> None:
    """pytest imports the plugin at every start wherever osmodel is installed."""
    probe = ("import json, sys, osmodel.testing.plugin; "
             "print(json.dumps([m for m in sys.modules if m.startswith('osmodel.')]))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    loaded = set(json.loads(done.stdout))
    assert "osmodel.testing.plugin" in loaded
    assert not loaded & {"osmodel.kernel.simulation", "osmodel.kernel.kernel",
                         "osmodel.testing.conformance"}, loaded
