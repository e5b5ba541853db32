"""``python -m osmodel``: the ``osmodel`` command, for an environment without the script on PATH.

This folder is the ``osmodel`` package itself and holds nothing else: with no
``__init__``, ``osmodel`` stays the namespace its subpackages (``kernel``,
``platforms``, ``plugins``, ``testing``) live in (see setup.py).
"""

from osmodel.kernel.cli import main

main()
