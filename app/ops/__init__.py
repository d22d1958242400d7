"""Operating the service: health and readiness for the load balancer (``routes``), JSON logs carrying a request id
into the jobs a request queues too (``logs``), and Prometheus metrics (``metrics``)."""
