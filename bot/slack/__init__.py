"""The Slack app: Bolt listeners, the HTTP route, Socket Mode and the jobs sender."""
