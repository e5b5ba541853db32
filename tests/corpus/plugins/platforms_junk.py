# case: issue 16: osmodel_platforms returning {"junk": 5} gives a traceback
# args: -p corpus.plugins.platforms_junk run {valid} --platform junk
# expect: usage corpus.plugins.platforms_junk
"""A plugin whose osmodel_platforms offers something that is not a platform class."""

from osmodel.kernel import hookimpl


@hookimpl
def osmodel_platforms() -> dict[str, int]:
    return {"junk": 5}
