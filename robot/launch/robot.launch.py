"""ROS 2 launch description for one delivery robot's onboard nodes.

The nodes are TypeScript on Node.js, not ament packages, so they are not started with launch_ros' Node action.
One process per robot (`robot run`) hosts every node in a single rclnodejs context, as a component container
would: one Node.js runtime instead of six, and intra-process hand-offs stay in memory. Pass `nodes:=a,b` to run a
subset (for example to run `localization` alone while debugging); run the launch file twice with different
`nodes` to split them over processes.

Usage (from the repository root, with ROS 2 sourced and rclnodejs installed; see docs/robot.md):

    ros2 launch robot/launch/robot.launch.py namespace:=r1 params_file:=robot/params/robot.yaml

Arguments after `--ros-args` are read by rcl itself: the namespace remap, the params file and use_sim_time apply
to every node in the process exactly as they would to C++ nodes.
"""

import os

from launch import LaunchDescription
from launch.actions import DeclareLaunchArgument, ExecuteProcess
from launch.substitutions import LaunchConfiguration

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))


def generate_launch_description():
    namespace = LaunchConfiguration('namespace')
    params_file = LaunchConfiguration('params_file')
    nodes = LaunchConfiguration('nodes')
    use_sim_time = LaunchConfiguration('use_sim_time')
    log_level = LaunchConfiguration('log_level')

    return LaunchDescription([
        DeclareLaunchArgument('namespace', default_value='r1',
                              description='Robot namespace; topics become /<namespace>/cmd_vel etc. '
                                          'Use the VDA 5050 serial number.'),
        DeclareLaunchArgument('params_file',
                              default_value=os.path.join(REPO_ROOT, 'robot', 'params', 'robot.yaml'),
                              description='ROS 2 parameters file for every node (ros__parameters per node).'),
        DeclareLaunchArgument('nodes', default_value='all',
                              description="Comma-separated nodes to run in this process, or 'all': "
                                          'localization,planner,controller,safety,mission,vda_bridge'),
        DeclareLaunchArgument('use_sim_time', default_value='false',
                              description='Follow /clock (Gazebo or a bag) instead of the system clock.'),
        DeclareLaunchArgument('log_level', default_value='info',
                              description='rcl log level: debug, info, warn, error, fatal.'),
        ExecuteProcess(
            cmd=[
                'npx', '--no-install', 'robot', 'run',
                '--adapter', 'rclnodejs',
                '--nodes', nodes,
                '--ros-args',
                '-r', ['__ns:=/', namespace],
                '--params-file', params_file,
                '-p', ['use_sim_time:=', use_sim_time],
                '--log-level', log_level,
            ],
            cwd=REPO_ROOT,
            name=['robot_', namespace],
            output='screen',
            # The process handles SIGINT itself: it deactivates and cleans up every lifecycle node, so the motors get
            # a final zero velocity before rclnodejs shuts down.
            sigterm_timeout='10',
        ),
    ])
