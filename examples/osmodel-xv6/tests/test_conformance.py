"""xv6 passes the platform conformance suite that osmodel.testing ships."""

from __future__ import annotations

from osmodel.testing import PlatformConformance

import osmodel_xv6


class TestXv6Conforms(PlatformConformance):
    platform = "xv6"
    plugins = (osmodel_xv6,)
    extra = '[machine]\nscheduler = "xv6rr"\n'
