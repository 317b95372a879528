from django.urls import path

from updates import views

app_name = "updates"
urlpatterns = [
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
