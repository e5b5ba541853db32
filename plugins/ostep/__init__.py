"""``osmodel ostep NAME FLAGS...``: the OSTEP homework simulators' questions and answers, run on osmodel."""
