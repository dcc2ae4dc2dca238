"""gunicorn settings every CivicDesk server starts with (scripts/serve-demo, bench.server).

Open311 GeoReport v2 lets a client look up to 1,000 requests at once by id in the query string
(`GET /open311/v2/requests.json?service_request_id=…`): about 20 kB of request line. gunicorn
refuses a line over 4094 bytes by default and caps any other limit at 8190, so the only setting
that admits the spec's look-up is 0 (no line limit in gunicorn; its C parser still stops at
1 MB). Open311 itself refuses more than 1,000 ids with a 400; a reverse proxy in front should
cap request lines at 32 kB (nginx: `large_client_header_buffers 4 32k`).
"""

limit_request_line = 0
