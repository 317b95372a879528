from django.urls import path

from campaign import views

app_name = "campaign"

urlpatterns = [
    path("", views.home, name="home"),
    path("preview/page/<int:pk>/", views.page_preview, name="page_preview"),
    path("<slug:slug>/", views.page_detail, name="page"),
]
