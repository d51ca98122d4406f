"""``init``: a content tree for a new service, written into an empty folder from the templates beside this file
(and, with ``--from-metrics``/``--catalog``, from what the service really exposes: :mod:`.starter`)."""
