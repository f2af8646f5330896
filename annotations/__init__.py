"""Annotations and per-paragraph comments, their live Socket.IO events, the digest and exports."""
