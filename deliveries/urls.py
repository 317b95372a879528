from django.urls import path

from deliveries import views

app_name = "deliveries"

urlpatterns = [
    path("<slug:slug>/deliveries/", views.petition_deliveries, name="petition_deliveries"),
]
