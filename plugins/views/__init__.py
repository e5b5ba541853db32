"""Ways to look at a run: state timelines, Gantt charts, trace exports."""
