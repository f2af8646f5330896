// The service worker of this build (offline/views.py). Its logic: {{ scripts[-1] }}.
self.PH_OFFLINE = {{ config | tojson }};
importScripts({% for script in scripts %}{{ script | tojson }}{% if not loop.last %}, {% endif %}{% endfor %});
