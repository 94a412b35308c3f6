"""The runs table shows the core's status text: ready before Play, the step limit when it is reached."""

STATUS = 5  # the status column


def statuses(window):
    t = window.table
    return [t.item(r, STATUS).text() for r in range(t.rowCount())]


def test_runs_are_ready_before_play_and_say_when_the_step_limit_stops_them(window, qtbot):
    qtbot.waitUntil(lambda: window.table.rowCount() > 0, timeout=10000)
    assert set(statuses(window)) == {"ready"}  # not "running": nothing has moved yet
    window.session.set_view(fast=True)  # as fast as possible
    window.session.set(steps=5)
    window.play()
    qtbot.waitUntil(
        lambda: not window.worker.worker.playing and window.frame.snapshot.steps.max() == 5, timeout=20000
    )
    qtbot.waitUntil(lambda: all(s.endswith("step limit reached") or "reached" in s or "stuck" in s
                                for s in statuses(window)), timeout=10000)  # fmt: skip
    assert not any(s in ("running", "ready") for s in statuses(window))
    assert [r.label for r in window.frame.snapshot.runs] == statuses(window)  # the core's status text
    assert [r.status for r in window.frame.runs] == statuses(window)
