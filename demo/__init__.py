"""Demo and scale data: a realistic, deterministic county (`manage.py demo_data`)."""
