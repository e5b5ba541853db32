"""Map the top-level folders into the ``osmodel`` namespace.

Listing packages by hand silently drops new subpackages from the wheel, so
each folder is walked with find_packages and given the ``osmodel.`` prefix.
"""

from setuptools import find_packages, setup

FOLDERS = ("kernel", "platforms", "plugins")

packages = []
package_dir = {}
for folder in FOLDERS:
    packages.append(f"osmodel.{folder}")
    package_dir[f"osmodel.{folder}"] = folder
    for sub in find_packages(folder):
        packages.append(f"osmodel.{folder}.{sub}")
        package_dir[f"osmodel.{folder}.{sub}"] = f"{folder}/{sub.replace('.', '/')}"

setup(packages=packages, package_dir=package_dir)
