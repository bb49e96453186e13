from django.contrib import admin

from assessments.models import Assessment, Organization

admin.site.register(Organization)
admin.site.register(Assessment)
