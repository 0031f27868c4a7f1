"""jepa_agent on a real arm with ros2_control, as a lifecycle node.

Bring up the arm (ros2_control_node, controllers, camera driver) first. With `lifecycle: true`
in the params (the default of params/real_arm.yaml) the agent waits unconfigured; with
autostart:=true this file configures and activates it after `autostart_delay` seconds, else:

  ros2 lifecycle set /jepa_agent configure
  ros2 lifecycle set /jepa_agent activate

Stop the arm at any time with:  ros2 topic pub --once /estop std_msgs/msg/Bool "{data: true}"
"""
import os
import sys

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess, TimerAction
from launch.conditions import IfCondition
from launch.substitutions import LaunchConfiguration, PythonExpression

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _common import agent_arguments, agent_process  # noqa: E402


def lifecycle_set(transition):
    return ExecuteProcess(cmd=['ros2', 'lifecycle', 'set', '/jepa_agent', transition], output='screen')


def generate_launch_description():
    autostart = LaunchConfiguration('autostart')
    delay = LaunchConfiguration('autostart_delay')
    return LaunchDescription([
        *agent_arguments('real_arm.yaml'),
        DeclareLaunchArgument('autostart', default_value='false', description='configure and activate the node after a delay'),
        DeclareLaunchArgument('autostart_delay', default_value='15.0', description='seconds to wait for the node (model and learner start-up)'),
        agent_process(),
        TimerAction(period=delay, condition=IfCondition(autostart), actions=[lifecycle_set('configure')]),
        TimerAction(period=PythonExpression([delay, ' + 3.0']), condition=IfCondition(autostart), actions=[lifecycle_set('activate')]),
    ])
