"""Load benchmark: a synthetic programme (seed), a bare-Flask ceiling and the runner behind ``make bench``."""
