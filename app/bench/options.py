"""What the command line tells every workload."""

from dataclasses import dataclass

from app.bench.dataset import DEFAULT_SIZE


@dataclass(frozen=True)
class Options:
    """`quick`: fewer requests (and smaller data sets where a workload says so); `size`: the
    leads of the data set the requests and load workloads read; `database_url`: the
    PostgreSQL server of the load workload."""

    quick: bool = False
    size: int = DEFAULT_SIZE
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
