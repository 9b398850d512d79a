"""The Teacher Resource Center: server-rendered pages under /teacher (``mount_web``)."""
