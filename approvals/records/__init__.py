"""The signed records as their readers get them, below the adapters: who may read a trail or
search (``access``), the trails kept for an instance (``trails``), and exports asked for and
fetched (``exports``). The trail package makes trails and builds exports; web pages, the API
and the mail read them here. ``webhooks``: the administrators' webhook endpoints, where a
delivery may go, and ``emit`` for the events other packages record.
"""
