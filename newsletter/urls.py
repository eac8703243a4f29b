from django.urls import path

from newsletter import views

app_name = "newsletter"

urlpatterns = [
    path("confirm/", views.confirm_view, name="confirm"),
    path("unsubscribe/", views.unsubscribe_view, name="unsubscribe"),
]
