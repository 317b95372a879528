"""Several functions started at the same instant, as several workers would run them."""

import threading

from django.db import connection


def in_threads(*functions) -> None:
    """Start every function at the same instant, each in its own thread and connection."""
    barrier = threading.Barrier(len(functions))
    errors = []

    def start(function):
        try:
            barrier.wait(timeout=10)
            function()
        except BaseException as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=start, args=[function]) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not [thread for thread in threads if thread.is_alive()], "a run never finished"
    assert errors == []
