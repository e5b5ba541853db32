# case: issue 16: osmodel_structure returning an int gives a traceback
# args: -p corpus.plugins.structure_int run {valid}
# expect: usage corpus.plugins.structure_int
"""A plugin whose osmodel_structure returns a number, not lines."""

from osmodel.kernel import hookimpl


@hookimpl
def osmodel_structure(kernel: object) -> int:
    return 5
