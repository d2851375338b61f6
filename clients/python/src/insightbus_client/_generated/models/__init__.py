""" Contains all the data models used in inputs/outputs """

from .action_item import ActionItem
from .action_item_changes_request import ActionItemChangesRequest
from .action_item_changes_request_status_type_0 import ActionItemChangesRequestStatusType0
from .action_item_data import ActionItemData
from .action_item_deleted_out import ActionItemDeletedOut
from .action_item_page import ActionItemPage
from .action_item_source import ActionItemSource
from .action_item_status import ActionItemStatus
from .analysis_status_out import AnalysisStatusOut
from .analysis_status_out_status import AnalysisStatusOutStatus
from .api_key_changes_request import ApiKeyChangesRequest
from .api_key_out import ApiKeyOut
from .channel_status import ChannelStatus
from .classified_ticket_out import ClassifiedTicketOut
from .classified_ticket_out_impact import ClassifiedTicketOutImpact
from .classified_ticket_out_priority import ClassifiedTicketOutPriority
from .classified_ticket_out_sentiment import ClassifiedTicketOutSentiment
from .classified_ticket_out_urgency import ClassifiedTicketOutUrgency
from .content_accepted_out import ContentAcceptedOut
from .created_api_key_out import CreatedApiKeyOut
from .delivery_data import DeliveryData
from .delivery_out import DeliveryOut
from .delivery_out_status import DeliveryOutStatus
from .delivery_page import DeliveryPage
from .emotion_out import EmotionOut
from .emotion_page import EmotionPage
from .error_body import ErrorBody
from .generate_request import GenerateRequest
from .generated_out import GeneratedOut
from .insight_out import InsightOut
from .insight_out_evidence import InsightOutEvidence
from .insight_page import InsightPage
from .journey_emotion_out import JourneyEmotionOut
from .journey_out import JourneyOut
from .journey_session_out import JourneySessionOut
from .list_action_items_status_type_0 import ListActionItemsStatusType0
from .list_deliveries_status_type_0 import ListDeliveriesStatusType0
from .login_request import LoginRequest
from .new_action_item_request import NewActionItemRequest
from .new_action_item_request_status import NewActionItemRequestStatus
from .new_api_key_request import NewApiKeyRequest
from .new_session_request import NewSessionRequest
from .new_webhook_request import NewWebhookRequest
from .new_webhook_request_events_item import NewWebhookRequestEventsItem
from .recurring_topic_out import RecurringTopicOut
from .register_request import RegisterRequest
from .registered_out import RegisteredOut
from .secret_rotated import SecretRotated
from .session_data import SessionData
from .session_deleted_out import SessionDeletedOut
from .session_out import SessionOut
from .session_out_status import SessionOutStatus
from .session_page import SessionPage
from .session_ref_out import SessionRefOut
from .signing_secret_out import SigningSecretOut
from .success_action_item_data import SuccessActionItemData
from .success_action_item_deleted_out import SuccessActionItemDeletedOut
from .success_action_item_page import SuccessActionItemPage
from .success_analysis_status_out import SuccessAnalysisStatusOut
from .success_api_key_out import SuccessApiKeyOut
from .success_content_accepted_out import SuccessContentAcceptedOut
from .success_created_api_key_out import SuccessCreatedApiKeyOut
from .success_delivery_data import SuccessDeliveryData
from .success_delivery_page import SuccessDeliveryPage
from .success_emotion_page import SuccessEmotionPage
from .success_generated_out import SuccessGeneratedOut
from .success_insight_page import SuccessInsightPage
from .success_journey_out import SuccessJourneyOut
from .success_registered_out import SuccessRegisteredOut
from .success_secret_rotated import SuccessSecretRotated
from .success_session_data import SuccessSessionData
from .success_session_deleted_out import SuccessSessionDeletedOut
from .success_session_page import SuccessSessionPage
from .success_signing_secret_out import SuccessSigningSecretOut
from .success_ticket_job_accepted_out import SuccessTicketJobAcceptedOut
from .success_ticket_job_detail_out import SuccessTicketJobDetailOut
from .success_ticket_job_page import SuccessTicketJobPage
from .success_token_pair_out import SuccessTokenPairOut
from .success_topic_page import SuccessTopicPage
from .success_webhook_created import SuccessWebhookCreated
from .success_webhook_data import SuccessWebhookData
from .success_webhook_deleted_out import SuccessWebhookDeletedOut
from .success_webhook_page import SuccessWebhookPage
from .successlist_api_key_out import SuccesslistApiKeyOut
from .ticket_job_accepted_out import TicketJobAcceptedOut
from .ticket_job_detail_out import TicketJobDetailOut
from .ticket_job_detail_out_status import TicketJobDetailOutStatus
from .ticket_job_out import TicketJobOut
from .ticket_job_out_status import TicketJobOutStatus
from .ticket_job_page import TicketJobPage
from .ticket_job_progress_out import TicketJobProgressOut
from .ticket_job_results_out import TicketJobResultsOut
from .ticket_job_results_out_counts_by_category import TicketJobResultsOutCountsByCategory
from .ticket_job_results_out_counts_by_priority import TicketJobResultsOutCountsByPriority
from .token_pair_out import TokenPairOut
from .topic_out import TopicOut
from .topic_page import TopicPage
from .unclassified_ticket_out import UnclassifiedTicketOut
from .upload_content_body import UploadContentBody
from .user_out import UserOut
from .webhook_changes_request import WebhookChangesRequest
from .webhook_changes_request_events_type_0_item import WebhookChangesRequestEventsType0Item
from .webhook_created import WebhookCreated
from .webhook_data import WebhookData
from .webhook_deleted_out import WebhookDeletedOut
from .webhook_out import WebhookOut
from .webhook_page import WebhookPage

__all__ = (
    "ActionItem",
    "ActionItemChangesRequest",
    "ActionItemChangesRequestStatusType0",
    "ActionItemData",
    "ActionItemDeletedOut",
    "ActionItemPage",
    "ActionItemSource",
    "ActionItemStatus",
    "AnalysisStatusOut",
    "AnalysisStatusOutStatus",
    "ApiKeyChangesRequest",
    "ApiKeyOut",
    "ChannelStatus",
    "ClassifiedTicketOut",
    "ClassifiedTicketOutImpact",
    "ClassifiedTicketOutPriority",
    "ClassifiedTicketOutSentiment",
    "ClassifiedTicketOutUrgency",
    "ContentAcceptedOut",
    "CreatedApiKeyOut",
    "DeliveryData",
    "DeliveryOut",
    "DeliveryOutStatus",
    "DeliveryPage",
    "EmotionOut",
    "EmotionPage",
    "ErrorBody",
    "GeneratedOut",
    "GenerateRequest",
    "InsightOut",
    "InsightOutEvidence",
    "InsightPage",
    "JourneyEmotionOut",
    "JourneyOut",
    "JourneySessionOut",
    "ListActionItemsStatusType0",
    "ListDeliveriesStatusType0",
    "LoginRequest",
    "NewActionItemRequest",
    "NewActionItemRequestStatus",
    "NewApiKeyRequest",
    "NewSessionRequest",
    "NewWebhookRequest",
    "NewWebhookRequestEventsItem",
    "RecurringTopicOut",
    "RegisteredOut",
    "RegisterRequest",
    "SecretRotated",
    "SessionData",
    "SessionDeletedOut",
    "SessionOut",
    "SessionOutStatus",
    "SessionPage",
    "SessionRefOut",
    "SigningSecretOut",
    "SuccessActionItemData",
    "SuccessActionItemDeletedOut",
    "SuccessActionItemPage",
    "SuccessAnalysisStatusOut",
    "SuccessApiKeyOut",
    "SuccessContentAcceptedOut",
    "SuccessCreatedApiKeyOut",
    "SuccessDeliveryData",
    "SuccessDeliveryPage",
    "SuccessEmotionPage",
    "SuccessGeneratedOut",
    "SuccessInsightPage",
    "SuccessJourneyOut",
    "SuccesslistApiKeyOut",
    "SuccessRegisteredOut",
    "SuccessSecretRotated",
    "SuccessSessionData",
    "SuccessSessionDeletedOut",
    "SuccessSessionPage",
    "SuccessSigningSecretOut",
    "SuccessTicketJobAcceptedOut",
    "SuccessTicketJobDetailOut",
    "SuccessTicketJobPage",
    "SuccessTokenPairOut",
    "SuccessTopicPage",
    "SuccessWebhookCreated",
    "SuccessWebhookData",
    "SuccessWebhookDeletedOut",
    "SuccessWebhookPage",
    "TicketJobAcceptedOut",
    "TicketJobDetailOut",
    "TicketJobDetailOutStatus",
    "TicketJobOut",
    "TicketJobOutStatus",
    "TicketJobPage",
    "TicketJobProgressOut",
    "TicketJobResultsOut",
    "TicketJobResultsOutCountsByCategory",
    "TicketJobResultsOutCountsByPriority",
    "TokenPairOut",
    "TopicOut",
    "TopicPage",
    "UnclassifiedTicketOut",
    "UploadContentBody",
    "UserOut",
    "WebhookChangesRequest",
    "WebhookChangesRequestEventsType0Item",
    "WebhookCreated",
    "WebhookData",
    "WebhookDeletedOut",
    "WebhookOut",
    "WebhookPage",
)
