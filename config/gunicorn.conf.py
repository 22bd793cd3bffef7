"""gunicorn's settings for casetrack: `make run`, the load benchmark and production start it with
`gunicorn -c config/gunicorn.conf.py 'casetrack:create_app()'` (flags given on the command line win)."""

import gc

workers = 2
threads = 4

#: After these many requests of a worker, its objects so far are moved out of the garbage collector's sight.
FREEZE_AFTER = (1, 10, 100, 1000)


def post_request(worker, req, environ, resp):
    # A worker holds some 200,000 long-lived objects (the app, its templates, translations and caches, most made by
    # the first requests). Each full collection walked them all: a 130 ms pause in one request in twenty, the p95 of
    # every list page (measured at 1M cases: /cases p95 159 ms, 37 ms frozen). Frozen, a collection sees only what
    # requests make and drop. Collected first, so no cycle of garbage is frozen with them.
    worker.casetrack_requests = getattr(worker, "casetrack_requests", 0) + 1
    if worker.casetrack_requests in FREEZE_AFTER:
        gc.collect()
        gc.freeze()
