from django.apps import AppConfig


class PostsConfig(AppConfig):
    name = "openhouse.posts"
    label = "posts"
