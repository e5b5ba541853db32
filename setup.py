"""Map the top-level folders into the ``osmodel`` namespace; build outside the tree.

Listing packages by hand silently drops new subpackages from the wheel, so
each folder is walked with find_packages and given the ``osmodel.`` prefix.

setuptools writes ``build/`` and ``osmodel.egg-info`` into the project by
default, and a stale one can put removed modules back into the next wheel; both
go to a scratch directory that is removed when this build step ends.
"""

import atexit
import shutil
import tempfile

from setuptools import find_packages, setup

FOLDERS = ("kernel", "platforms", "plugins", "testing")

#: The ``osmodel`` folder holds only ``__main__`` (``python -m osmodel``); having no
#: ``__init__``, ``osmodel`` stays a namespace package.
packages = ["osmodel"]
package_dir = {"osmodel": "osmodel"}
for folder in FOLDERS:
    packages.append(f"osmodel.{folder}")
    package_dir[f"osmodel.{folder}"] = folder
    for sub in find_packages(folder):
        packages.append(f"osmodel.{folder}.{sub}")
        package_dir[f"osmodel.{folder}.{sub}"] = f"{folder}/{sub.replace('.', '/')}"

scratch = tempfile.mkdtemp(prefix="osmodel-setup-")
atexit.register(shutil.rmtree, scratch, ignore_errors=True)

setup(packages=packages, package_dir=package_dir,
      options={"build": {"build_base": f"{scratch}/build"}, "egg_info": {"egg_base": scratch}})
