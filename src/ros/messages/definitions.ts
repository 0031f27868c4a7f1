/**
 * ROS 2 Humble .msg text of every interface this agent speaks, keyed by `pkg/Type`. Copied
 * from ros2/common_interfaces (humble, 53761cba), ros2/rcl_interfaces (humble, 5e01a28f) and
 * ros2/geometry2's tf2_msgs (humble) with comments and blank lines removed: fields, types,
 * constants and their order are exact.
 * Kept as text rather than parsed objects because rosbag2's MCAP schemas (`ros2msg`) are this
 * text, and the CDR codecs are parsed from the same text so the two can never disagree.
 * `jepa_agent_msgs/*` are the agent's own status messages, copied from msgs/msg/*.msg.
 */
export const ROS2_MSG_DEFINITIONS: Readonly<Record<string, string>> = Object.freeze({
  'builtin_interfaces/Time': `int32 sec
uint32 nanosec
`,
  'builtin_interfaces/Duration': `int32 sec
uint32 nanosec
`,
  'std_msgs/Header': `builtin_interfaces/Time stamp
string frame_id
`,
  'std_msgs/Bool': `bool data
`,
  'rosgraph_msgs/Clock': `builtin_interfaces/Time clock
`,
  'std_msgs/Float64MultiArray': `MultiArrayLayout  layout
float64[]         data
`,
  'std_msgs/MultiArrayLayout': `MultiArrayDimension[] dim
uint32 data_offset
`,
  'std_msgs/MultiArrayDimension': `string label
uint32 size
uint32 stride
`,
  'sensor_msgs/Image': `std_msgs/Header header
uint32 height
uint32 width
string encoding
uint8 is_bigendian
uint32 step
uint8[] data
`,
  'sensor_msgs/CompressedImage': `std_msgs/Header header
string format
uint8[] data
`,
  'sensor_msgs/CameraInfo': `std_msgs/Header header
uint32 height
uint32 width
string distortion_model
float64[] d
float64[9]  k
float64[9]  r
float64[12] p
uint32 binning_x
uint32 binning_y
RegionOfInterest roi
`,
  'sensor_msgs/RegionOfInterest': `uint32 x_offset
uint32 y_offset
uint32 height
uint32 width
bool do_rectify
`,
  'sensor_msgs/PointCloud2': `std_msgs/Header header
uint32 height
uint32 width
PointField[] fields
bool    is_bigendian
uint32  point_step
uint32  row_step
uint8[] data
bool is_dense
`,
  'sensor_msgs/PointField': `uint8 INT8    = 1
uint8 UINT8   = 2
uint8 INT16   = 3
uint8 UINT16  = 4
uint8 INT32   = 5
uint8 UINT32  = 6
uint8 FLOAT32 = 7
uint8 FLOAT64 = 8
string name
uint32 offset
uint8  datatype
uint32 count
`,
  'sensor_msgs/JointState': `std_msgs/Header header
string[] name
float64[] position
float64[] velocity
float64[] effort
`,
  'trajectory_msgs/JointTrajectory': `std_msgs/Header header
string[] joint_names
JointTrajectoryPoint[] points
`,
  'trajectory_msgs/JointTrajectoryPoint': `float64[] positions
float64[] velocities
float64[] accelerations
float64[] effort
builtin_interfaces/Duration time_from_start
`,
  'geometry_msgs/TwistStamped': `std_msgs/Header header
Twist twist
`,
  'geometry_msgs/Twist': `Vector3  linear
Vector3  angular
`,
  'geometry_msgs/Vector3': `float64 x
float64 y
float64 z
`,
  'std_msgs/String': `string data
`,
  'geometry_msgs/PoseStamped': `std_msgs/Header header
Pose pose
`,
  'geometry_msgs/Pose': `Point position
Quaternion orientation
`,
  'geometry_msgs/Point': `float64 x
float64 y
float64 z
`,
  'geometry_msgs/Quaternion': `float64 x 0
float64 y 0
float64 z 0
float64 w 1
`,
  'geometry_msgs/TransformStamped': `std_msgs/Header header
string child_frame_id
Transform transform
`,
  'geometry_msgs/Transform': `Vector3 translation
Quaternion rotation
`,
  'tf2_msgs/TFMessage': `geometry_msgs/TransformStamped[] transforms
`,
  // The agent's own status messages: msgs/msg/*.msg without comments (a test keeps them equal).
  'jepa_agent_msgs/AgentStatus': `std_msgs/Header header
string state
string activity
bool has_goal
bool estop
string last_safe_stop_reason
uint32 ticks
float64 decision_hz
uint32 commands_sent
float64 control_hz
uint32 held_back
float64 latency_ms_p50
float64 latency_ms_p99
float64 plan_ms_p50
uint32 dropped_frames
uint32 stale_pairs
float64 stale_pair_share
uint32 safe_stops
uint32 bad_messages
`,
  'jepa_agent_msgs/PlanStatus': `std_msgs/Header header
string mode
float64 predicted_cost
float64 planning_ms
bool babbling
string[] action_names
uint32 horizon
float32[] actions
float32[] action_sent
bool sent
`,
  'jepa_agent_msgs/PredictionError': `std_msgs/Header header
float64 error
float64 mean_error
`,
  'jepa_agent_msgs/LearnerProgress': `std_msgs/Header header
uint32 steps
uint32 frames
uint32 weight_updates
string[] loss_names
float64[] loss_values
`,
});
