"""``python -m insightbus.common.messages > libs/common/schemas/messages.v1.json``"""

import json
import sys

from insightbus.common.messages import json_schemas

json.dump(json_schemas(), sys.stdout, indent=2, sort_keys=True)
sys.stdout.write("\n")
