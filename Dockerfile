# One image for every service: `insightbus serve <service>` picks which one runs
# (docker-compose.yml, deploy/k8s/); `insightbus up` runs them all in one process.
FROM python:3.11-slim AS build
RUN pip install --no-cache-dir uv==0.13.9
WORKDIR /app
# Compiled here, because the containers run with a read-only root filesystem: without the
# .pyc files every start would compile scikit-learn, numpy, FastAPI... again, in every worker.
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never
COPY pyproject.toml uv.lock README.md ./
COPY libs ./libs
COPY services ./services
COPY src ./src
RUN uv sync --frozen --all-packages --no-dev --no-editable

FROM python:3.11-slim
# A numeric user, so that the kubelet can check runAsNonRoot against the image itself.
RUN groupadd --gid 10001 insightbus && useradd --uid 10001 --gid 10001 --create-home insightbus
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    INSIGHTBUS_HOST=0.0.0.0 INSIGHTBUS_LOG_JSON=true
USER 10001:10001
WORKDIR /home/insightbus
EXPOSE 8000
ENTRYPOINT ["insightbus"]
CMD ["serve", "gateway"]
