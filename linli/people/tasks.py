from django_tasks import task

from linli.people.models import ResidentImport


@task()
def run_resident_import(import_id: int) -> str:
    from linli.people.actions.imports import do_run_resident_import

    record = ResidentImport.objects.select_related("community", "uploaded_by").get(pk=import_id)
    return do_run_resident_import(record).status
