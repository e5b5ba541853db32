"""``osmodel ostep NAME FLAGS...``: the OSTEP homework simulators, answered by osmodel."""
