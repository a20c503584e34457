{{/*
Chart name, overridable with nameOverride.
*/}}
{{- define "chat-sessions.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Full resource name: fullnameOverride, else the release name when it contains the chart name,
else "<release>-<chart>". Truncated to 63 characters (DNS label limit).
*/}}
{{- define "chat-sessions.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "chat-sessions.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Standard labels (app.kubernetes.io/*) on every object.
*/}}
{{- define "chat-sessions.labels" -}}
helm.sh/chart: {{ include "chat-sessions.chart" . }}
{{ include "chat-sessions.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/component: api
app.kubernetes.io/part-of: chat-sessions
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
Selector labels: stable across upgrades (never add the version here).
*/}}
{{- define "chat-sessions.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chat-sessions.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
ServiceAccount name.
*/}}
{{- define "chat-sessions.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "chat-sessions.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Name of the Secret with the credentials: existingSecret, else the chart's example Secret.
*/}}
{{- define "chat-sessions.secretName" -}}
{{- default (include "chat-sessions.fullname" .) .Values.existingSecret }}
{{- end }}

{{/*
Image reference: by digest when image.digest is set, else by tag (default: appVersion).
The app container and the migrate init container use exactly this reference.
*/}}
{{- define "chat-sessions.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Whether a CA bundle for TLS to PostgreSQL is mounted, and where (POSTGRES_SSLROOTCERT).
*/}}
{{- define "chat-sessions.postgresCaMounted" -}}
{{- if or .Values.database.sslRootCert.secretName .Values.database.sslRootCert.configMapName }}true{{- end }}
{{- end }}

{{- define "chat-sessions.postgresCaPath" -}}
/etc/chat-sessions/postgres-ca/{{ .Values.database.sslRootCert.key }}
{{- end }}
