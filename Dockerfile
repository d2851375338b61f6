# One image for every service; the command picks which one runs.
FROM python:3.11-slim AS build
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock README.md ./
COPY libs ./libs
COPY services ./services
COPY src ./src
RUN uv sync --frozen --all-packages --no-dev --no-editable

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 insightbus
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 INSIGHTBUS_HOST=0.0.0.0 INSIGHTBUS_LOG_JSON=true
USER insightbus
EXPOSE 8000
CMD ["python", "-m", "insightbus.gateway.main"]
