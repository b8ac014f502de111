"""Figures the hardening suites report, printed in pytest's terminal summary so CI shows them even without -s."""

LINES: list[str] = []


def report(line: str):
    """Add one line to the summary printed at the end of the run."""
    LINES.append(line)


def pytest_terminal_summary(terminalreporter):
    if LINES:
        terminalreporter.write_sep("-", "suite figures")
        for line in LINES:
            terminalreporter.write_line(line)
