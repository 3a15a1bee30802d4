"""Packages for the wheel: the code, and `resources/` shipped as `reviewdesk_resources`.

The checkout keeps `resources/` at the top level (as the brief asks); an installed wheel
carries the same files as the package `reviewdesk_resources`, which `reviewdesk.paths`
finds first, so rules, fonts and icons work from a checkout, a wheel and a frozen bundle.
"""

from setuptools import find_namespace_packages, find_packages, setup

code = find_packages(include=["reviewdesk", "reviewdesk.*", "ui", "ui.*"])
resources = ["reviewdesk_resources"] + [
    "reviewdesk_resources." + name for name in find_namespace_packages(where="resources")
]

setup(
    packages=code + resources,
    package_dir={"reviewdesk_resources": "resources"},
    package_data={
        "reviewdesk_resources": ["**/*"],
        "reviewdesk.storage": ["migrations/*.py", "migrations/*.mako", "migrations/versions/*.py"],
    },
)
