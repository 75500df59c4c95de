"""The data contract: records (pydantic), the company tables, settings, errors and what a target's kind means."""
