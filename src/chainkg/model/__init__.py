"""The data contract: records (pydantic), the company tables, settings and errors."""
