"""What document operations work with, built once by the app factory (composition.app): the
blob store, the PDF workers, the page cache, the limits and one person's upload turns."""

from collections.abc import Callable
from dataclasses import dataclass, field

from core.cluster import Slots
from core.errors import AppError
from storage.blobstore import BlobStore
from storage.page_cache import PageCache
from storage.pdf.shared import PdfLimits
from storage.workers import PdfWorkerPool

UPLOAD_RETRY_AFTER_S = 10


@dataclass
class DocumentRuntime:
    """The collaborators document operations need, built once by the app factory."""

    store: BlobStore
    pool: PdfWorkerPool
    cache: PageCache
    limits: PdfLimits
    # Runs a function in the background (Socket.IO's task starter); None skips pre-rendering.
    schedule: Callable[..., object] | None = None
    # How many of one person's uploads may be processed at once: counted in this process, or in
    # Redis across every process when they share one (core/cluster.py).
    uploads: Slots = field(default_factory=lambda: Slots(2))

    @property
    def ingests_per_user(self) -> int:
        return self.uploads.limit

    @ingests_per_user.setter
    def ingests_per_user(self, limit: int) -> None:
        self.uploads.limit = limit

    def ingest_turn(self, user_id: int):
        """One of the user's concurrent uploads, or 429 when they already have enough going."""
        refusal = AppError(
            "too_many_uploads", 429, limit=self.uploads.limit, retry_after_s=UPLOAD_RETRY_AFTER_S
        )
        return self.uploads.turn(f"user:{user_id}", refusal)
