from casedesk.models import WorkerHeartbeat
from casedesk.tasks import record_worker_heartbeat


def test_a_real_worker_runs_a_task_that_writes_to_the_database(real_worker):
    result = record_worker_heartbeat.apply_async(args=["worker-test"], ignore_result=False)
    assert result.get(timeout=20) == "worker-test"
    assert WorkerHeartbeat.objects.filter(hostname="worker-test").exists()
