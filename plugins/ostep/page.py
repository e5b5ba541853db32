"""``osmodel ostep --report FILE.html``: one self-contained page for one homework run.

The page has the question and the answers as the text prints them, a chart
of who ran when (from the run's slices) and each job's times.  It uses the
HTML report's style and policy (`osmodel.plugins.views.html`): everything
inline, nothing fetched, every text escaped, no clock or random value, so the
same homework gives the same bytes.  The chart draws at most `MAX_BARS`
slices, with a note saying how many were left out.
"""

from __future__ import annotations

from typing import Any

from .homework import Homework

#: The most slices the chart draws (the HTML report's bound on bars).
MAX_BARS = 20_000
ROW = 22
LEFT = 70
WIDTH = 900


def chart(run: Any) -> list[str]:
    """An SVG row per job: a bar for each slice it ran."""
    from osmodel.plugins.views.html import e, state_colour

    jobs = len(run.jobs)
    clock = max(run.elapsed, 1)
    scale = (WIDTH - LEFT - 10) / clock
    height = ROW * (jobs + 1) + 10
    out = [f'<div class="scroll"><svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" '
           f'height="{height}" role="img" aria-label="who ran when">']
    for job in range(jobs):
        y = ROW * job + 5
        out.append(f'<text x="4" y="{y + 15}">job {job}</text>')
    drawn = left_out = 0
    colour = state_colour("running")
    for piece in run.slices:
        if piece.job is None:
            continue
        if drawn >= MAX_BARS:
            left_out += 1
            continue
        drawn += 1
        x = LEFT + piece.start * scale
        width = max((piece.end - piece.start) * scale, 0.5)
        y = ROW * piece.job + 5
        out.append(f'<rect x="{x:.2f}" y="{y}" width="{width:.2f}" height="{ROW - 6}" '
                   f'fill="{colour}" data-proc="{piece.job}"><title>'
                   f'{e(f"job {piece.job}: {piece.start} to {piece.end}")}</title></rect>')
    axis = ROW * jobs + 20
    out.append(f'<text x="{LEFT}" y="{axis}">0</text>')
    out.append(f'<text x="{WIDTH - 10}" y="{axis}" text-anchor="end">{clock}</text>')
    out.append("</svg></div>")
    if left_out:
        out.append(f'<p class="note">{left_out:,} more slices are not drawn; '
                   "--trace writes them all.</p>")
    return out


def html_page(homework: Homework) -> str:
    from osmodel.plugins.views.html import CSP, CSS, e

    title = f"osmodel ostep {homework.simulator} {' '.join(homework.argv)}".strip()
    page = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="osmodel">', f"<title>{e(title)}</title>",
        f"<style>{CSS}</style>", "</head>", "<body>",
        f"<header><h1>{e(title)}</h1>",
        '<p class="muted">an OSTEP homework, answered by a run of osmodel\'s '
        + ("unix platform" if hasattr(homework.run, "recorder")
           else "engine on the bare platform") + "</p></header>",
        "<h2>Question</h2>", f"<pre>{e(chr(10).join(homework.question))}</pre>",
        "<h2>Answers</h2>", f"<pre>{e(chr(10).join(homework.answers))}</pre>",
    ]
    run = homework.run
    if run is not None and hasattr(run, "slices"):
        page += ["<h2>Who ran when</h2>", *chart(run), "<h2>Each job</h2>", "<table>",
                 "<tr><th>job</th><th>length</th><th>arrival</th><th>first run</th>"
                 "<th>finish</th><th>response</th><th>turnaround</th><th>wait</th></tr>"]
        page += [f'<tr data-proc="{job.job}">' + "".join(
            f"<td>{e(value)}</td>" for value in (
                job.job, job.length, job.arrival, job.first_run, job.finish, job.response,
                job.turnaround, job.wait)) + "</tr>" for job in run.jobs]
        page += ["</table>", '<p class="rule">in the run\'s ticks: the homework\'s own '
                 "times are in the answers above (scaled back when its lengths have "
                 "decimals)</p>"]
    if run is not None and hasattr(run, "recorder"):  # a scenario's run (fork)
        from osmodel.kernel.render import trace_lines

        lines = trace_lines(run.recorder.events)
        page += ["<h2>The run's trace</h2>", f"<pre>{e(chr(10).join(lines[:MAX_BARS]))}</pre>"]
        if len(lines) > MAX_BARS:
            page.append(f'<p class="note">{len(lines) - MAX_BARS:,} more lines are not shown; '
                        "--trace writes every event.</p>")
    page += ["</body>", "</html>"]
    return "\n".join(page)
