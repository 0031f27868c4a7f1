"""jepa_agent on an arm in gz-sim: ros_gz_bridge for the RGB-D camera, then `jepa-agent run`.

Start your arm's world and its gz_ros2_control controllers first (or include them here);
this file bridges the camera and starts the agent:

  ros2 launch launch/gz_sim.launch.py camera:=/rgbd_camera
"""
import sys
import os

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument
from launch.substitutions import LaunchConfiguration, PythonExpression
from launch_ros.actions import Node

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import agent_arguments, agent_process  # noqa: E402


def generate_launch_description():
    cam = LaunchConfiguration('camera')

    def bridge(suffix, ros_type, gz_type):
        # gz topic@ROS type[gz type: gz -> ROS only.
        return PythonExpression(["'", cam, suffix, '@', ros_type, '[', gz_type, "'"])

    return LaunchDescription([
        DeclareLaunchArgument('camera', default_value='/rgbd_camera', description='gz topic prefix of the RGB-D camera'),
        *agent_arguments('gz_sim.yaml'),
        Node(
            package='ros_gz_bridge',
            executable='parameter_bridge',
            name='jepa_camera_bridge',
            output='screen',
            arguments=[
                bridge('/image', 'sensor_msgs/msg/Image', 'gz.msgs.Image'),
                bridge('/depth_image', 'sensor_msgs/msg/Image', 'gz.msgs.Image'),
                bridge('/points', 'sensor_msgs/msg/PointCloud2', 'gz.msgs.PointCloudPacked'),
                bridge('/camera_info', 'sensor_msgs/msg/CameraInfo', 'gz.msgs.CameraInfo'),
            ],
        ),
        agent_process(),
    ])
