from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services


@csrf_exempt  # the gateway signs its reports instead (services.receive_report)
@require_POST
def sms_report(request):
    """Where the SMS gateway app posts its webhooks: sms:delivered, sms:failed, sms:received."""
    try:
        services.receive_report(
            request.body, request.headers.get("X-Timestamp", ""), request.headers.get("X-Signature", "")
        )
    except services.ReportRefused as refusal:
        return JsonResponse({"error": str(refusal)}, status=refusal.status)
    return JsonResponse({"ok": True})
