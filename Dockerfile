# IngressFleet: one image per silo (Orleans + Kestrel/YARP). Build from the repo root:
#   docker build -t ghcr.io/ingressfleet/ingressfleet:0.1.0 .

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src

# Restore from the project files alone, so the package layer is reused until they change.
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/IngressFleet.Core/IngressFleet.Core.csproj src/IngressFleet.Core/
COPY src/IngressFleet.Grains.Contracts/IngressFleet.Grains.Contracts.csproj src/IngressFleet.Grains.Contracts/
COPY src/IngressFleet.Grains/IngressFleet.Grains.csproj src/IngressFleet.Grains/
COPY src/IngressFleet.Sources/IngressFleet.Sources.csproj src/IngressFleet.Sources/
COPY src/IngressFleet.DataPlane/IngressFleet.DataPlane.csproj src/IngressFleet.DataPlane/
COPY src/IngressFleet.Distribution/IngressFleet.Distribution.csproj src/IngressFleet.Distribution/
COPY src/IngressFleet.Host/IngressFleet.Host.csproj src/IngressFleet.Host/
# ReadyToRun at restore too: the precompiler is a package restore fetches only when asked for it.
RUN dotnet restore src/IngressFleet.Host/IngressFleet.Host.csproj -r linux-x64 -p:PublishReadyToRun=true

COPY src/ src/
# No apphost: the image starts the app with `dotnet`. ReadyToRun: precompiled, so a silo joins and serves without
# JIT-compiling its start-up path first (tiered compilation still recompiles the hot code); the benchmarks run the
# same publish (tests/bench/benchlib.py, publish_host).
RUN dotnet publish src/IngressFleet.Host -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o /app --no-restore -p:UseAppHost=false

# Chiseled: no shell, no package manager, non-root by default.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled
WORKDIR /app
COPY --from=build /app .

# Numeric, to match the pod securityContext (runAsUser/runAsGroup 10001) and satisfy runAsNonRoot.
USER 10001:10001

# http, https, admin (health, metrics), Orleans silo, Orleans gateway.
EXPOSE 8080 8443 9090 11111 30000

# The base image sets ASPNETCORE_HTTP_PORTS=8080; IngressFleet binds its own listeners, so clear it
# rather than have Kestrel warn at start-up that it overrides it.
ENV ASPNETCORE_HTTP_PORTS=
# Finish tiered JIT within seconds instead of tens of seconds on small CPU limits.
ENV DOTNET_TC_CallCountingDelayMs=0

ENTRYPOINT ["dotnet", "IngressFleet.Host.dll"]
